export * from './pricing';
export * from './checkout-token';
export * from './sales.context';
export * from './offers';
export * from './payment-request';
export * from './follow-ups';
export * from './purchases';
export * from './sales.presenter';
