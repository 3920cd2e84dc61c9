"""Rate limits of the core: tries per person (counters), sends per second (paces) and
seconds between two sends to one person (spacings).

Each is counted in this process, or, when REDIS_URL is set, in Redis for every process of
a deployment (bot.ratelimits.rates builds them). Channels and services see only the small
`Counter`, `Pace` and `Spacing` interfaces.
"""
