import aiohttp_jinja2
import jinja2
from aiohttp import web
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.templating import Jinja2Templates

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)  # VULN: config

public = FastAPI()
public.add_middleware(CORSMiddleware, allow_origins=["*"])  # SAFE: config

partners = FastAPI()
partners.add_middleware(CORSMiddleware, allow_origins=["https://partner.example.com"], allow_credentials=True)  # SAFE: config

templates = Jinja2Templates(directory="templates", autoescape=False)  # VULN: xss
escaped = Jinja2Templates(directory="templates")  # SAFE: xss

legacy = web.Application()
aiohttp_jinja2.setup(legacy, loader=jinja2.FileSystemLoader("templates"), autoescape=False)  # VULN: xss
