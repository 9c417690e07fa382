"""Use cases: each loads through its review, checks permission, calls the stage, saves and audits in one transaction."""
