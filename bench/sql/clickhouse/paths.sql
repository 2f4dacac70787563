-- paths (bench/bench_insights.c, include/journeymap/insights.h JM_PATHS_BETWEEN): for each
-- account with a demo_request and a contract_signed at or after its first demo_request, its
-- events from that first demo_request to the first such contract_signed, both included, by
-- touchpoint in time order; consecutive repeats collapsed into one step; a path of more than
-- 64 steps keeps its first 63 and its last with "…" between. Output: the 20 most common paths
-- (steps joined by " > ") and their accounts, most accounts first, ties by path text.
-- ClickHouse 18.16 has no window functions: the anchors come from each account's demo_request
-- and contract_signed times (arrays), then its events between them become one array sorted by
-- time, and a step is kept when it differs from the one before (the array shifted by one).
SELECT path, count() AS units
FROM
(
    SELECT arrayStringConcat(if(length(c) > 64, arrayConcat(arraySlice(c, 1, 63), ['…'], [c[-1]]), c),
                             ' > ') AS path
    FROM
    (
        SELECT arrayFilter((e, p) -> e != p, s, arrayPushFront(arrayPopBack(s), '')) AS c
        FROM
        (
            SELECT account_id, arraySort((e, t) -> t, groupArray(event), groupArray(ts)) AS s
            FROM events
            ALL INNER JOIN
            (
                SELECT account_id, f, arrayReduce('min', arrayFilter((t, e) -> e = 'contract_signed' AND t >= f, tss, evs)) AS t
                FROM
                (
                    SELECT account_id, groupArray(ts) AS tss, groupArray(event) AS evs,
                           minIf(ts, event = 'demo_request') AS f
                    FROM events
                    WHERE event IN ('demo_request', 'contract_signed')
                    GROUP BY account_id
                    HAVING countIf(event = 'demo_request') > 0
                )
                WHERE t > 0
            ) USING account_id
            WHERE ts >= f AND ts <= t
            GROUP BY account_id
        )
    )
)
GROUP BY path
ORDER BY units DESC, path
LIMIT 20
