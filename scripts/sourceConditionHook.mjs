// Module resolve hook (see sourceLoader.mjs): adds the `pounce-source` export condition.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('pounce-source') ? context.conditions : [...context.conditions, 'pounce-source'];
  return nextResolve(specifier, { ...context, conditions });
}
