// Fetch-or-throw helpers scoped to the tenant, for features not yet behind stores: they take a
// TypeORM manager, so they live in contract.store.ts. Contract use cases use `ContractStore.get`.
export { getComponent, getContract } from "./contract.store.js";
