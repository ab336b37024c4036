import request from 'supertest';
import { createWebhookApp } from './app';

describe('knot-webhook app', () => {
  it('answers /healthz', async () => {
    const response = await request(createWebhookApp()).get('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('answers 404 to unknown routes', async () => {
    const response = await request(createWebhookApp()).get('/nope');
    expect(response.status).toBe(404);
  });
});
