"""The original FastAPI concurrency service, reimplemented route by route as a benchmark fixture for scripts/bench.

It is not part of Lanes. What it must keep is the original's concurrency choices, since they are what is compared:
`def` routes run on Starlette's thread pool (anyio's default limiter: 40 threads per worker process), `async def`
routes on the event loop, blocking calls inside `async def` stall that loop. Run it with Debian's python3 and its
packages (python3-fastapi, -uvicorn, -aiofiles, -httpx, -anyio, -uvloop, -httptools, -apscheduler):

    /usr/bin/python3 -m uvicorn app:app --app-dir scripts/reference --host 127.0.0.1 --port 8000
    /usr/bin/python3 -m uvicorn app:app --app-dir scripts/reference --host 127.0.0.1 --port 8000 --workers 2 --loop uvloop

Environment (the bench gives Lanes the same values, so that both do the same work):
    REFERENCE_PORT             the port it listens on: its /fetch-data calls its own stubs there (default 8000)
    REFERENCE_WRITE_BYTES      bytes of `a` each /write* writes (default 16 MiB)
    REFERENCE_DATA_DIR         where the temporary files and log.txt go (default: the working directory)
    REFERENCE_SLEEP_SECONDS    the sleep of /sync and /async (default 5, as the original)
    REFERENCE_TASK_SECONDS     the sleep of /task/{id} and /resource threads (default 5)
    REFERENCE_UPSTREAM_DELAY_MS  how long its embedded upstream stubs wait before answering (default 0)
    REFERENCE_UPSTREAMS        comma-separated URLs for /fetch-data (default: its three stubs)
    REFERENCE_ITERATIONS       the range of /process's sum(i % 7 ...) (default 10**7)
"""
import asyncio
import datetime
import os
import tempfile
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Optional

import aiofiles
import aiofiles.tempfile
import anyio
import httpx
from apscheduler.schedulers.background import BackgroundScheduler
from fastapi import BackgroundTasks, Body, FastAPI, Request

PORT = int(os.environ.get("REFERENCE_PORT", "8000"))
WRITE_BYTES = int(os.environ.get("REFERENCE_WRITE_BYTES", str(16 * 1024 * 1024)))
DATA_DIR = os.environ.get("REFERENCE_DATA_DIR", ".")
SLEEP_SECONDS = float(os.environ.get("REFERENCE_SLEEP_SECONDS", "5"))
TASK_SECONDS = float(os.environ.get("REFERENCE_TASK_SECONDS", "5"))
UPSTREAM_DELAY_MS = int(os.environ.get("REFERENCE_UPSTREAM_DELAY_MS", "0"))
ITERATIONS = int(os.environ.get("REFERENCE_ITERATIONS", str(10 ** 7)))
UPSTREAMS = [u for u in os.environ.get("REFERENCE_UPSTREAMS", "").split(",") if u] or [
    f"http://127.0.0.1:{PORT}/upstream/json",
    f"http://127.0.0.1:{PORT}/upstream/uuid",
    f"http://127.0.0.1:{PORT}/upstream/ip",
]
CHUNK = b"a" * (1024 * 1024)  # the original writes its `a`s 1 MiB at a time

app = FastAPI()
scheduler = BackgroundScheduler()
cpu_pool: Optional[ProcessPoolExecutor] = None
thread_pool = ThreadPoolExecutor(max_workers=4)


@app.on_event("startup")
def start() -> None:
    global cpu_pool
    cpu_pool = ProcessPoolExecutor(max_workers=os.cpu_count())
    scheduler.add_job(periodic_job, "interval", seconds=5)
    scheduler.start()


@app.on_event("shutdown")
def stop() -> None:
    scheduler.shutdown(wait=False)
    if cpu_pool is not None:
        cpu_pool.shutdown(wait=False, cancel_futures=True)


def periodic_job() -> None:
    print(f"Periodic task executed at {datetime.datetime.now().isoformat()}", flush=True)


# --- plain answers -----------------------------------------------------------------------------------------------------

@app.get("/")
async def root():
    return {"Hello": "World"}


@app.get("/hello")
async def hello():
    return {"message": "Hello world"}


@app.get("/health")
async def health():
    await asyncio.sleep(0.01)
    return {"status": "ok"}


# --- waits: a thread of the pool held, or the loop free ----------------------------------------------------------------

@app.get("/sync")
def sync_wait():
    time.sleep(SLEEP_SECONDS)
    return {"message": "Done"}


@app.get("/async")
async def async_wait():
    await asyncio.sleep(SLEEP_SECONDS)
    return {"message": "Done"}


# --- writes: the same N bytes in four places ---------------------------------------------------------------------------

def write_blocking(size: int) -> dict:
    started = time.perf_counter()
    view = memoryview(CHUNK)
    with tempfile.TemporaryFile(dir=DATA_DIR) as scratch:
        left = size
        while left > 0:
            n = min(left, len(CHUNK))
            scratch.write(view[:n])
            left -= n
    return {"waiting_time": time.perf_counter() - started, "unit": "seconds"}


@app.get("/write")
def write():
    # `def`: Starlette runs it on the thread pool.
    return write_blocking(WRITE_BYTES)


@app.get("/write_bad")
async def write_bad():
    # The mistake on purpose: a blocking write inside `async def` holds the event loop for the whole write.
    return write_blocking(WRITE_BYTES)


@app.get("/write_with_thread")
async def write_with_thread():
    return await anyio.to_thread.run_sync(write_blocking, WRITE_BYTES)


@app.get("/write_async")
async def write_async():
    started = time.perf_counter()
    view = memoryview(CHUNK)
    async with aiofiles.tempfile.TemporaryFile(dir=DATA_DIR) as scratch:
        left = WRITE_BYTES
        while left > 0:
            n = min(left, len(CHUNK))
            await scratch.write(view[:n])
            left -= n
    return {"waiting_time": time.perf_counter() - started, "unit": "seconds"}


# --- background work ---------------------------------------------------------------------------------------------------

def append_log(message: str) -> None:
    with open(os.path.join(DATA_DIR, "log.txt"), "a") as log:
        log.write(f"{datetime.datetime.utcnow().isoformat()} {message}\n")


@app.post("/send")
def send(background_tasks: BackgroundTasks, payload: Optional[dict] = Body(default=None)):
    message = (payload or {}).get("message", "Message received")
    background_tasks.add_task(append_log, str(message))
    return {"status": "Message received"}


def long_task(task_id) -> None:
    print(f"Starting Task {task_id}", flush=True)
    time.sleep(TASK_SECONDS)
    print(f"Finished Task {task_id}", flush=True)


@app.get("/task/{task_id}")
async def task(task_id: int):
    threading.Thread(target=long_task, args=(task_id,), daemon=True).start()
    return {"message": f"Task {task_id} is running in the background."}


@app.get("/resource")
async def resource():
    threading.Thread(target=long_task, args=("resource",), daemon=True).start()
    return {"message": "Thread started"}


# --- CPU: the original awaits nothing and blocks its loop on future.result() -------------------------------------------

def cpu_task(iterations: int) -> int:
    return sum(i % 7 for i in range(iterations))


@app.get("/process")
async def process():
    future = cpu_pool.submit(cpu_task, ITERATIONS)
    return {"result": future.result()}


@app.get("/process_nonblocking")
async def process_nonblocking():
    # The correct variant, not the original's: the loop awaits the process pool instead of waiting on it.
    result = await asyncio.get_running_loop().run_in_executor(cpu_pool, cpu_task, ITERATIONS)
    return {"result": result}


# --- fan-out -----------------------------------------------------------------------------------------------------------

@app.get("/fetch-data")
async def fetch_data():
    async with httpx.AsyncClient() as client:
        responses = await asyncio.gather(*(client.get(url) for url in UPSTREAMS))
    return {"results": [r.json() for r in responses]}


@app.get("/fetch")
async def fetch():
    async with httpx.AsyncClient() as client:
        response = await client.get(UPSTREAMS[0])
    return {"status": response.status_code}


def process_data(data) -> int:
    return len(str(data))


@app.get("/complex-task")
async def complex_task():
    async with httpx.AsyncClient() as client:
        data = (await client.get(UPSTREAMS[0])).json()
    score = await asyncio.get_running_loop().run_in_executor(thread_pool, process_data, data)
    return {"processed": True, "score": score}


# --- its own upstream stubs (httpbin-like, as Lanes' embedded ones), never the internet --------------------------------

SLIDESHOW = {
    "slideshow": {
        "author": "Yours Truly",
        "date": "date of publication",
        "slides": [
            {"title": "Wake up to WonderWidgets!", "type": "all"},
            {"items": ["Why <em>WonderWidgets</em> are great", "Who <em>buys</em> WonderWidgets"],
             "title": "Overview", "type": "all"},
        ],
        "title": "Sample Slide Show",
    }
}


async def upstream_delay(delay_ms: Optional[int]) -> None:
    wait = UPSTREAM_DELAY_MS if delay_ms is None else delay_ms
    if wait > 0:
        await asyncio.sleep(wait / 1000)


@app.get("/upstream/json")
async def upstream_json(delay_ms: Optional[int] = None):
    await upstream_delay(delay_ms)
    return SLIDESHOW


@app.get("/upstream/uuid")
async def upstream_uuid(delay_ms: Optional[int] = None):
    await upstream_delay(delay_ms)
    return {"uuid": str(uuid.uuid4())}


@app.get("/upstream/ip")
async def upstream_ip(request: Request, delay_ms: Optional[int] = None):
    await upstream_delay(delay_ms)
    return {"origin": request.client.host if request.client else "unknown"}
