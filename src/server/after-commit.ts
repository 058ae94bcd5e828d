/**
 * A command's output that exists only once the call's transaction has committed: a handler
 * returns `afterCommit(() => …)`, and the dispatcher runs it after the commit, outside any
 * transaction. For example waiting for a job the call enqueued, which no node can claim before
 * the commit (and which, on the embedded database's one connection, could not even start while
 * the call held it).
 */
export class AfterCommit<T> {
  constructor(readonly finish: () => Promise<T>) {}
}

export const afterCommit = <T>(finish: () => Promise<T>): AfterCommit<T> => new AfterCommit(finish);
