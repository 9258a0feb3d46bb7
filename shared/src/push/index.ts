export * from './vapid';
export * from './push-subscriptions.repo';
