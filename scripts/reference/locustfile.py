"""The original's load test: each user alternates GET /hello and GET of one /write variant, without pause.

The variant comes from LOCUST_WRITE_PATH (/write, /write_bad, /write_with_thread or /write_async; default /write).
Run with Debian's locust (python3-locust 2.12.1), e.g.

    LOCUST_WRITE_PATH=/write locust -f scripts/reference/locustfile.py --headless -u 100 -r 1 -t 150s \
        -H http://127.0.0.1:8000 --csv target/locust/write --csv-full-history
"""
import os

from locust import HttpUser, constant, task

WRITE_PATH = os.environ.get("LOCUST_WRITE_PATH", "/write")


class OriginalUser(HttpUser):
    wait_time = constant(0)

    @task
    def hello_then_write(self):
        self.client.get("/hello")
        self.client.get(WRITE_PATH)
