export function Unauthorized() {
  return (
    <section className="view" aria-labelledby="view-title">
      <h1 id="view-title">Not authorised</h1>
      <div className="empty-state error">
        <p className="empty-title">This page has no valid access token for the engine.</p>
        <p>
          Open the address that <code>npm run serve</code> printed (it ends in <code>#token=…</code>), or use the token
          saved in the data folder&apos;s <code>api-token</code> file.
        </p>
      </div>
    </section>
  );
}
