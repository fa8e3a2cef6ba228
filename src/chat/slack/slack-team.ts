// Which Slack team a caller belongs to, next to the bot's own workspace (auth.test's team_id): users of
// another team reach the bot through shared (Slack Connect) channels, and the core refuses them
// unless the policy lets them in.

/** The caller's team when it differs from the bot's own workspace; undefined for the bot's own users. */
export function foreignTeamOf(deps: { homeTeam?: string }, team: string | undefined): string | undefined {
  if (deps.homeTeam === undefined || team === undefined || team === deps.homeTeam) return undefined;
  return team;
}
