// Queries kept away from the routes (issue 14, cross-file).
const db = require('./db');

function byName(name) {
  return db.query('SELECT * FROM users WHERE name = ?', [name]);
}

function byId(id) {
  return db.query(`SELECT * FROM users WHERE id = ${id}`); // VULN: injection
}

module.exports = { byName, byId };
