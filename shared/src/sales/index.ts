export * from './pricing';
export * from './checkout-token';
export * from './sales';
