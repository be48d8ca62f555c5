// @ts-check
// A stand-in collector for the overhead bench, run as a child process so that its own
// work (gunzip, JSON.parse) is not billed to the agent. Prints its port, then on SIGTERM
// what it received.
import http from "node:http";
import { gunzipSync } from "node:zlib";

let requests = 0;
let samples = 0;
const server = http.createServer((req, res) => {
  /** @type {Buffer[]} */
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const payload = JSON.parse(gunzipSync(Buffer.concat(chunks)).toString("utf8"));
    requests++;
    for (const s of payload.series) samples += s.samples.length;
    res.writeHead(204).end();
  });
});
server.listen(0, "127.0.0.1", () => {
  const addr = server.address();
  process.stdout.write(
    JSON.stringify({ port: typeof addr === "object" && addr ? addr.port : 0 }) + "\n",
  );
});
process.on("SIGTERM", () => {
  process.stdout.write(JSON.stringify({ requests, samples }) + "\n");
  process.exit(0);
});
