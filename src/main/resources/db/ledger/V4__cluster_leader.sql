-- Two instances, one leader (SPEC 2.8, issue 18): the leader of each cluster namespace as the ledger knows it.
-- The file lock (Camel's FileLockClusterService on fluxion.cluster.lock-dir) elects the leader; the instance that
-- gains it writes its node here with the next epoch. A window opens only on the instance whose (node, epoch) is
-- still the row's (a fence against a former leader that has not noticed yet), and a follower reads the leader's
-- node here for GET /api/etl/scheduler/status. Re-runnable (IF NOT EXISTS); never edit once applied.
CREATE TABLE IF NOT EXISTS cluster_leader (
    namespace   VARCHAR(100) NOT NULL PRIMARY KEY,
    node        VARCHAR(100) NOT NULL,
    owner       VARCHAR(300),
    epoch       BIGINT       NOT NULL,
    since       TIMESTAMP WITH TIME ZONE NOT NULL
);
