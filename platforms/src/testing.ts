import type { ConformanceKit } from './conformance';
import { discordConformance } from './discord/discord.conformance';
import { fanvueConformance } from './fanvue/fanvue.conformance';
import { onlyfansConformance } from './onlyfans/onlyfans.conformance';
import { telegramConformance } from './telegram/telegram.conformance';

export * from './conformance';
export { createConnectors } from './registry';
export * from './discord/discord.standin';
export * from './fanvue/fanvue.standin';
export * from './instagram/instagram.standin';
export { connectFanvueThroughHub } from './fanvue/fanvue.conformance';
export * from './onlyfans/onlyfans.standin';
export * from './telegram/telegram.standin';
export * from './telegram/telegram.updates';

/** One line per platform: the stand-in the connector conformance suite runs against. */
export const conformanceKits: readonly ConformanceKit[] = [
  telegramConformance,
  onlyfansConformance,
  fanvueConformance,
  discordConformance,
];
