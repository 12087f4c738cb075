-- The answers sent to each address numbered in order (n: 1 for the
-- first), so that the limit of ctcgw.conf(5),
-- replies_per_sender_per_hour, looks at one row, the limit-th latest
-- answer to the address, instead of counting every answer of the last
-- hour: a message then costs the same however many answers went before
-- it.  The numbers of the answers already sent follow their order.
ALTER TABLE reply_log ADD COLUMN n INTEGER NOT NULL DEFAULT 0;
UPDATE reply_log SET n = numbered.n
  FROM (SELECT id, row_number () OVER (PARTITION BY sender ORDER BY id) AS n
          FROM reply_log) AS numbered
 WHERE numbered.id = reply_log.id;
DROP INDEX reply_log_sender;
CREATE INDEX reply_log_sender_n ON reply_log (sender, n, sent);
