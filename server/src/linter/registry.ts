// Every rule the linter knows, in the order they are documented.
import type { Rule } from '../ruleapi/rule';
import { contextGrowthInLoop } from '../rules/context-growth-in-loop';
import { deferCancelInLoop } from '../rules/defer-cancel-in-loop';
import { discardedCancel } from '../rules/discarded-cancel';
import { lostCancel } from '../rules/lost-cancel';
import { missingContextVariant } from '../rules/missing-context-variant';
import { timeAfterInLoop } from '../rules/time-after-in-loop';
import { timeTickLeak } from '../rules/time-tick-leak';
import { waitgroupAddInGoroutine } from '../rules/waitgroup-add-in-goroutine';

export const RULES: readonly Rule[] = [lostCancel, discardedCancel, missingContextVariant, deferCancelInLoop, contextGrowthInLoop, waitgroupAddInGoroutine, timeAfterInLoop, timeTickLeak];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));
