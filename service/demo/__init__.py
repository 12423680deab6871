"""The demo LMS: a small LTI 1.3 platform inside the app, for trying Selfpath out.

It is registered with the tool like any other platform and performs real, signed
launches. It is off unless DEMO_LMS=1 and the app refuses to start with it in production.
"""
