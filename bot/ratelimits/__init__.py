"""Rate limits of the core: tries per person (counters) and sends per second (paces).

Each is counted in this process, or, when REDIS_URL is set, in Redis for every process of
a deployment (bot.ratelimits.rates builds them). Channels and services see only the small
`Counter` and `Pace` interfaces.
"""
