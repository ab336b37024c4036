// A second baseline: the least any webhook must do with a request, in plain
// Node — read the body, JSON.parse it, answer "allowed" for its uid — and no
// admission logic. The gap between it and the echo server is the cost of
// reading the object at all; the gap between it and the webhook is Knot's.
import { serve } from './httpsServer.mjs';

serve((req, res) => {
  const chunks = [];
  req.on('data', chunk => chunks.push(chunk));
  req.on('end', () => {
    const review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const answer = JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: review.request.uid, allowed: true },
    });
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(answer),
    });
    res.end(answer);
  });
});
