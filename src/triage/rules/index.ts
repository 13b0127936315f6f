import checksurCorruption from './checksur-corruption.rule.json' with { type: 'json' };
import checksurSummary from './checksur-summary.rule.json' with { type: 'json' };
import componentStoreCorrupt from './component-store-corrupt.rule.json' with { type: 'json' };
import errorCode from './error-code.rule.json' with { type: 'json' };
import failingPackage from './failing-package.rule.json' with { type: 'json' };
import hashMismatch from './hash-mismatch.rule.json' with { type: 'json' };
import installersFailed from './installers-failed.rule.json' with { type: 'json' };
import missingPayload from './missing-payload.rule.json' with { type: 'json' };
import setupapiInstallFailed from './setupapi-install-failed.rule.json' with { type: 'json' };
import sfcCannotRepair from './sfc-cannot-repair.rule.json' with { type: 'json' };
import sourceMissing from './source-missing.rule.json' with { type: 'json' };
import wuDownloadFailed from './wu-download-failed.rule.json' with { type: 'json' };
import wuFailed from './wu-failed.rule.json' with { type: 'json' };

/**
 * The built-in rules, one JSON file each (`*.rule.json` beside this file). Imported rather than
 * read from disk so they travel with the build; a test checks every file is listed here.
 */
export const builtinRuleSpecs: readonly unknown[] = [
  componentStoreCorrupt,
  hashMismatch,
  sfcCannotRepair,
  checksurCorruption,
  checksurSummary,
  missingPayload,
  sourceMissing,
  installersFailed,
  failingPackage,
  wuDownloadFailed,
  wuFailed,
  setupapiInstallFailed,
  errorCode,
];
