import { conformanceKits } from '@velvet/platforms/testing';
import { describeConnector } from './conformance/describe-connector';

// Every chat connector with a stand-in passes the same suite.
for (const kit of conformanceKits) describeConnector(kit);
