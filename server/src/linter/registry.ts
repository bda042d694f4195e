// Every rule the linter knows, in the order they are documented.
import type { Rule } from '../ruleapi/rule';
import { backgroundContextInScope } from '../rules/background-context-in-scope';
import { contextInStruct } from '../rules/context-in-struct';
import { contextValueBuiltinKey } from '../rules/context-value-builtin-key';
import { nilContext } from '../rules/nil-context';
import { contextGrowthInLoop } from '../rules/context-growth-in-loop';
import { deferCancelInLoop } from '../rules/defer-cancel-in-loop';
import { loopIgnoresContext } from '../rules/loop-ignores-context';
import { discardedCancel } from '../rules/discarded-cancel';
import { lostCancel } from '../rules/lost-cancel';
import { missingContextVariant } from '../rules/missing-context-variant';
import { syncmapLoadThenStore } from '../rules/syncmap-load-then-store';
import { syncmapUncheckedAssertion } from '../rules/syncmap-unchecked-assertion';
import { syncmapLoadThenDelete } from '../rules/syncmap-load-then-delete';
import { syncmapByValue } from '../rules/syncmap-by-value';
import { syncmapUnhashableKey } from '../rules/syncmap-unhashable-key';
import { waitgroupByValue } from '../rules/waitgroup-by-value';
import { syncmapLoadModifyStore } from '../rules/syncmap-load-modify-store';
import { syncpoolPutNonPointer } from '../rules/syncpool-put-non-pointer';
import { timeAfterInLoop } from '../rules/time-after-in-loop';
import { timeTickLeak } from '../rules/time-tick-leak';
import { waitgroupAddInGoroutine } from '../rules/waitgroup-add-in-goroutine';
import { goroutineLeakSend } from '../rules/goroutine-leak-send';
import { sendToStoppedWorkers } from '../rules/send-to-stopped-workers';
import { goroutineLeakReceive } from '../rules/goroutine-leak-receive';
import { goroutineWithoutExit } from '../rules/goroutine-without-exit';
import { unboundedGoroutineSpawn } from '../rules/unbounded-goroutine-spawn';
import { channelUnderLock } from '../rules/channel-under-lock';

export const RULES: readonly Rule[] = [lostCancel, discardedCancel, missingContextVariant, deferCancelInLoop, contextGrowthInLoop, loopIgnoresContext, syncmapLoadThenStore, syncmapUncheckedAssertion, syncmapLoadThenDelete, syncmapByValue, syncmapUnhashableKey, waitgroupByValue, syncmapLoadModifyStore, syncpoolPutNonPointer, backgroundContextInScope, contextInStruct, nilContext, contextValueBuiltinKey, waitgroupAddInGoroutine, goroutineLeakSend, sendToStoppedWorkers, goroutineLeakReceive, timeAfterInLoop, timeTickLeak, goroutineWithoutExit, unboundedGoroutineSpawn, channelUnderLock];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));
