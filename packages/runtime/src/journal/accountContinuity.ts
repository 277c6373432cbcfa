/**
 * Refuses to resume a run or a node on another account than its journal's: the journal's orders
 * and fills are that account's, and on another one every lookup would answer "not found" and drop
 * them unseen. `journaled` undefined (a journal that names no account) passes.
 * @example
 * refuseOtherAccount('run', 'U1234567', venue.account); // throws unless venue.account is U1234567
 */
export function refuseOtherAccount(what: 'run' | 'node', journaled: string | undefined, venueAccount: string): void {
  if (journaled !== undefined && journaled !== venueAccount) {
    throw new Error(`resume: this ${what}'s journal is for account ${journaled}, the venue's account is ${venueAccount}; a ${what} never moves to another account (start a new ${what} instead)`);
  }
}
