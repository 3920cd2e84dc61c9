"""Documents the bot makes: the certificate, trainers' reports and packs, exports."""
