// Enum choices read from the chain's metadata (price units, parameter changes), so that
// the forms follow a runtime upgrade without a new Console.

/** The variants of the enum a call argument holds, looking through vectors and wrappers. */
export function argumentVariants(api, call, argIndex) {
  const lookup = api.registry.lookup;
  let type = lookup.getSiType(call.meta.fields[argIndex].type);
  for (let depth = 0; depth < 8 && !type.def.isVariant; depth += 1) {
    if (type.def.isComposite) type = lookup.getSiType(type.def.asComposite.fields[0].type);
    else if (type.def.isSequence) type = lookup.getSiType(type.def.asSequence.type);
    else break;
  }
  if (!type.def.isVariant) throw new Error(`argument ${argIndex} of ${call.section}.${call.method} is not an enum`);
  return type.def.asVariant.variants.map((v) => ({
    name: v.name.toString(),
    // The field's Rust type as written in the pallet: "Perbill", "BlockNumber", "Balance"…
    typeName: v.fields[0]?.typeName.unwrapOr(null)?.toString() ?? null,
    typeId: v.fields[0]?.type,
  }));
}
