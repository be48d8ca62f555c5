const { main } = await import("/work/main/bench/billing/close.bench.ts");
for (const l of await main({ contracts: 1000, runs: 1 })) console.log(JSON.stringify(l));
