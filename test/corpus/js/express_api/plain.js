const express = require('express');

const app = express(); // VULN: config
app.get('/', (req, res) => res.send('ok'));
app.listen(8080);
