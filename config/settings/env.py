"""The environment the settings read, through environs (typed values, database URLs via dj-database-url).

A .env file is read only when DJANGO_READ_DOT_ENV_FILE is set, so a forgotten file never changes a server.
"""

from environs import Env

env = Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", False):
    env.read_env()
