// Every rule the linter knows, in the order they are documented.
import type { Rule } from '../ruleapi/rule';
import { discardedCancel } from '../rules/discarded-cancel';
import { lostCancel } from '../rules/lost-cancel';

export const RULES: readonly Rule[] = [lostCancel, discardedCancel];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));
