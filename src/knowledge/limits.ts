/** How much knowledge a bot may hold; shared by the management API and the owner's chat commands. */

export const FAQ_QUESTION_MAX = 500;
export const FAQ_ANSWER_MAX = 5_000;
export const PRODUCT_NAME_MAX = 200;
export const PRODUCT_DESCRIPTION_MAX = 2_000;
export const PRODUCT_URL_MAX = 2_000;
/** numeric(14, 2) holds up to 999,999,999,999.99. */
export const PRODUCT_PRICE_MAX = 999_999_999_999;
/** Entries of each kind per bot: every answer ranks all of them in memory. */
export const MAX_FAQS_PER_BOT = 500;
export const MAX_PRODUCTS_PER_BOT = 500;

/** An http(s) URL without spaces, as products link to shop pages. */
export function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\/\S+$/i.test(value)) return false;
  try {
    new URL(value);

    return true;
  } catch {
    return false;
  }
}
