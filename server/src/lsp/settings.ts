// The user's settings, from `workspace/configuration` (section
// goConcurrencyLint) when the client supports it, else from
// initializationOptions / didChangeConfiguration (for editors such as Neovim).
import { activeRules, type ActiveRule, type RuleSetting } from '../linter/config';

export interface Settings {
  enable: boolean;
  rules: Record<string, RuleSetting>;
}

export const DEFAULT_SETTINGS: Settings = { enable: true, rules: {} };

/** Reads settings from an untrusted object, keeping the defaults for anything malformed. */
export function readSettings(raw: unknown): Settings {
  const value = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const section = (value.goConcurrencyLint && typeof value.goConcurrencyLint === 'object' ? value.goConcurrencyLint : value) as Record<string, unknown>;
  return {
    enable: typeof section.enable === 'boolean' ? section.enable : DEFAULT_SETTINGS.enable,
    rules: section.rules && typeof section.rules === 'object' ? (section.rules as Record<string, RuleSetting>) : {},
  };
}

/** The active rules; an unknown rule id or severity is reported and ignored. */
export function rulesFor(settings: Settings, warn: (message: string) => void): ActiveRule[] {
  try {
    return activeRules({ rules: settings.rules });
  } catch (error) {
    warn(`goConcurrencyLint.rules: ${(error as Error).message}; using the defaults`);
    return activeRules();
  }
}
