"""`make bench`: QMS's throughput and latency beside baselines measured in the same run (issue 7)."""
