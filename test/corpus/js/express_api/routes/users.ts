import { Router, Request, Response } from 'express';
import { Sequelize, QueryTypes } from 'sequelize';
import mongoose from 'mongoose';
import https from 'https';

const router = Router();
const sequelize = new Sequelize(process.env.DATABASE_URL as string);
const User = mongoose.model('User', new mongoose.Schema({ email: String, password: String }));

router.get('/users/search', async (req: Request, res: Response) => {
  const term = req.query.term as string;
  const users = await sequelize.query(`SELECT * FROM users WHERE email LIKE '%${term}%'`, { type: QueryTypes.SELECT }); // VULN: injection
  res.json(users);
});

router.get('/users/search2', async (req: Request, res: Response) => {
  const users = await sequelize.query('SELECT * FROM users WHERE email LIKE :term', { replacements: { term: `%${req.query.term}%` }, type: QueryTypes.SELECT }); // SAFE: injection
  res.json(users);
});

router.post('/login', async (req: Request, res: Response) => {
  const user = await User.findOne({ email: req.body.email, password: req.body.password }); // VULN: injection
  res.json({ ok: !!user });
});

router.post('/login2', async (req: Request, res: Response) => {
  const user = await User.findOne({ email: String(req.body.email) }); // SAFE: injection
  res.json({ ok: !!user });
});

export const agent = new https.Agent({ rejectUnauthorized: false }); // VULN: tls
export const goodAgent = new https.Agent({ keepAlive: true }); // SAFE: tls

export function isBot(fingerprint: Record<string, unknown>): boolean { // VULN: fingerprinting
  return false;
}

export default router;
