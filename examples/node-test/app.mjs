// The code under test: what a frontend shows for a crawl, from the API at base.
export async function crawlSummary(base, id) {
  const res = await fetch(`${base}/crawl/info?id=${id}`, { headers: { "X-API-KEY": "demo" } });
  const body = await res.json();
  if (res.status === 404) return "This crawl does not exist.";
  if (!body.success) return `The screenshot service had a problem (${body.code}). Try again later.`;
  const { status, processed, total_discovered: total } = body.data;
  return `${status}: ${processed} of ${total} pages done.`;
}
