-- paths (bench/bench_insights.c, include/journeymap/insights.h JM_PATHS_BETWEEN): for each
-- account with a demo_request and a contract_signed at or after its first demo_request, its
-- events from that first demo_request to the first such contract_signed, both included, by
-- touchpoint in time order; consecutive repeats collapsed into one step; a path of more than
-- 64 steps keeps its first 63 and its last with "…" between. Output: the 20 most common paths
-- (steps joined by " > ") and their accounts, most accounts first, ties by path text.
-- group_concat as a window over the ordered rows, because SQLite 3.40's aggregate form has no
-- ORDER BY and its order is not guaranteed.
WITH x AS (
    SELECT account_id, ts, event,
           MIN(CASE WHEN event = 'demo_request' THEN ts END) OVER (PARTITION BY account_id) AS fts
    FROM events
), y AS (
    SELECT account_id, ts, event, fts,
           MIN(CASE WHEN event = 'contract_signed' AND ts >= fts THEN ts END)
               OVER (PARTITION BY account_id) AS tts
    FROM x WHERE fts IS NOT NULL
), z AS (
    SELECT account_id, ts, event, LAG(event) OVER (PARTITION BY account_id ORDER BY ts) AS prev
    FROM y WHERE ts >= fts AND ts <= tts
), c AS (
    SELECT account_id, event, ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY ts) AS i,
           COUNT(*) OVER (PARTITION BY account_id) AS n
    FROM z WHERE prev IS NULL OR prev <> event
), p AS (
    SELECT account_id, i,
           group_concat(CASE WHEN n > 64 AND i = n THEN '… > ' || event ELSE event END, ' > ')
               OVER (PARTITION BY account_id ORDER BY i
                     ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS path
    FROM c WHERE i < 64 OR i = n
)
SELECT path, COUNT(*) AS units FROM p WHERE i = 1 GROUP BY path ORDER BY units DESC, path LIMIT 20;
