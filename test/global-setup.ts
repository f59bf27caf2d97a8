// Once before the tests: the report add-in's bundle (/addin/report.js), as `npm run build` makes it.
import { buildAddin } from '../scripts/build-addin.js';

export default async function setup(): Promise<void> {
  await buildAddin({ ifStale: true });
}
