/** The last four characters: enough to tell two secrets apart, never enough to use one. */
export const hintOf = (secret: string): string => `…${secret.slice(-4)}`;
