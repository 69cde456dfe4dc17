"""Files of a running program: the deals table and survey responses read in, payout statements written out."""
