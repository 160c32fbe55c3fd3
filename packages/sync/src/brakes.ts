import type { Plan } from './plan-types.ts';

/**
 * Why a pass must stop and ask (`coffer sync --confirm-deletes`) before it deletes: the local
 * root is empty while the base is not (an unmounted disk looks like everything deleted), or
 * the plan would delete more than half of the files the base holds. A base of one or two
 * files is exempt from the second rule: deleting one's only file is not a surprise.
 */
export function brake(
  plan: Plan,
  o: { baseFiles: number; localNodes: number },
): { reason: 'empty-root' | 'mass-delete'; message: string } | null {
  if (o.localNodes === 0 && plan.baseCount > 0) {
    return {
      reason: 'empty-root',
      message:
        'the local folder is empty or missing (an unmounted disk?): nothing is deleted; run again with --confirm-deletes if you emptied it on purpose',
    };
  }
  if (plan.deletions > 1 && plan.deletions * 2 > o.baseFiles) {
    return {
      reason: 'mass-delete',
      message: `this pass would delete ${plan.deletions} of ${o.baseFiles} files: nothing is deleted; run again with --confirm-deletes to go ahead`,
    };
  }
  return null;
}
