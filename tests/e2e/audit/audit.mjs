// Runs graphql-http's GraphQL-over-HTTP server audits against a URL and prints the results as
// JSON (one array of {id, name, status, reason}); status is "ok", "error" (a failed MUST),
// "warn" (a failed SHOULD) or "notice" (a failed MAY).
// Usage: node audit.mjs http://127.0.0.1:3000/graphql
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <url>');
  process.exit(2);
}
const results = [];
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const { id, name, status, reason } = await audit.fn();
  results.push({ id, name, status, reason });
}
console.log(JSON.stringify(results, null, 1));
