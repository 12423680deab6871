"""The benchmark's yardstick: a bare Flask "hello" route, served like Selfpath."""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello() -> str:
    return "hello"
