// Every rule the linter knows, in the order they are documented.
import type { Rule } from '../ruleapi/rule';
import { backgroundContextInScope } from '../rules/background-context-in-scope';
import { contextGrowthInLoop } from '../rules/context-growth-in-loop';
import { contextInStruct } from '../rules/context-in-struct';
import { contextValueBuiltinKey } from '../rules/context-value-builtin-key';
import { deferCancelInLoop } from '../rules/defer-cancel-in-loop';
import { discardedCancel } from '../rules/discarded-cancel';
import { loopIgnoresContext } from '../rules/loop-ignores-context';
import { lostCancel } from '../rules/lost-cancel';
import { missingContextVariant } from '../rules/missing-context-variant';
import { nilContext } from '../rules/nil-context';
import { timeAfterInLoop } from '../rules/time-after-in-loop';
import { timeTickLeak } from '../rules/time-tick-leak';
import { waitgroupAddInGoroutine } from '../rules/waitgroup-add-in-goroutine';

export const RULES: readonly Rule[] = [
  // context
  lostCancel,
  discardedCancel,
  deferCancelInLoop,
  contextGrowthInLoop,
  backgroundContextInScope,
  loopIgnoresContext,
  contextInStruct,
  nilContext,
  contextValueBuiltinKey,
  missingContextVariant,
  // goroutines and timers
  timeAfterInLoop,
  timeTickLeak,
  waitgroupAddInGoroutine,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));
