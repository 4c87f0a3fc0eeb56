/** The bot's products: list, add, change, delete. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';

import type { AppContext } from '../../context.js';
import { errors } from '../../http/errors.js';
import { MAX_PRODUCTS_PER_BOT } from '../../knowledge/limits.js';
import {
  addProduct,
  deleteProduct,
  listProducts,
  type ProductInput,
  type ProductRecord,
  updateProduct,
} from '../../knowledge/store.js';
import { ownerBotOf } from './auth.js';
import { checkUrl, requireChanges } from './checks.js';
import {
  BotParams,
  ownerErrors,
  ownerRoute,
  ProductBody,
  ProductDeleted,
  ProductList,
  ProductParams,
  ProductPatch,
  ProductResponse,
} from './schemas.js';

const PRODUCT = 'The product';

interface ProductFields {
  name?: string;
  price?: number;
  url?: string | null;
  description?: string | null;
}

export function productView(product: ProductRecord) {
  return {
    product_id: product.id,
    name: product.name,
    price: product.price,
    url: product.url,
    description: product.description,
    created_at: product.createdAt.toISOString(),
    updated_at: product.updatedAt.toISOString(),
  };
}

function newProduct(body: ProductFields & { name: string; price: number }): ProductInput {
  checkUrl(body.url);

  return {
    name: body.name,
    price: body.price,
    url: body.url ?? null,
    description: body.description ?? null,
  };
}

function changesOf(body: ProductFields): Partial<ProductInput> {
  checkUrl(body.url);
  const changes: ProductFields = {};
  if (body.name !== undefined) changes.name = body.name;
  if (body.price !== undefined) changes.price = body.price;
  if (body.url !== undefined) changes.url = body.url;
  if (body.description !== undefined) changes.description = body.description;

  return requireChanges(changes, ['name', 'price', 'url', 'description']);
}

export const productRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (plain, { ctx }) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/:botId/products',
    {
      schema: {
        ...ownerRoute,
        summary: "List the bot's products, oldest first",
        params: BotParams,
        response: { 200: ProductList, ...ownerErrors },
      },
    },
    async (request) => ({
      success: true as const,
      products: (await listProducts(ctx.db, ownerBotOf(request))).map(productView),
    }),
  );

  app.post(
    '/:botId/products',
    {
      schema: {
        ...ownerRoute,
        summary: 'Add a product',
        params: BotParams,
        body: ProductBody,
        response: { 201: ProductResponse, ...ownerErrors },
      },
    },
    async (request, reply) => {
      const product = await addProduct(ctx.db, ownerBotOf(request), newProduct(request.body));
      if (product === undefined) {
        throw errors.forbidden(
          `The bot already has ${MAX_PRODUCTS_PER_BOT} products; delete one before adding another.`,
        );
      }
      request.log.info({ product_id: product.id }, 'product added');

      return reply.status(201).send({ success: true as const, ...productView(product) });
    },
  );

  app.patch(
    '/:botId/products/:productId',
    {
      schema: {
        ...ownerRoute,
        summary: 'Change a product',
        params: ProductParams,
        body: ProductPatch,
        response: { 200: ProductResponse, ...ownerErrors },
      },
    },
    async (request) => {
      const changes = changesOf(request.body);
      const botId = ownerBotOf(request);
      const product = await updateProduct(ctx.db, botId, request.params.productId, changes);
      if (product === undefined) throw errors.notFound(PRODUCT);

      return { success: true as const, ...productView(product) };
    },
  );

  app.delete(
    '/:botId/products/:productId',
    {
      schema: {
        ...ownerRoute,
        summary: 'Delete a product',
        params: ProductParams,
        response: { 200: ProductDeleted, ...ownerErrors },
      },
    },
    async (request) => {
      const productId = request.params.productId;
      if (!(await deleteProduct(ctx.db, ownerBotOf(request), productId))) {
        throw errors.notFound(PRODUCT);
      }
      request.log.info({ product_id: productId }, 'product deleted');

      return {
        success: true as const,
        product_id: productId.toLowerCase(),
        message: 'Product deleted.',
      };
    },
  );
};
