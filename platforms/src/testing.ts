export * from './telegram/telegram.standin';
export * from './telegram/telegram.updates';
