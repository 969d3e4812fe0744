export function NoToken() {
  return (
    <main className="notice">
      <img src="/icon.svg" alt="" width={72} height={72} />
      <h1>Welcome to Porchlight</h1>
      <p>
        This page needs an access link. Open one of the links printed by <code>npm start</code> on
        the machine running Porchlight:
      </p>
      <ul>
        <li>
          the <strong>camera</strong> link turns this browser (or an old phone) into a camera;
        </li>
        <li>
          the <strong>viewer</strong> link shows your cameras live and lets you talk back.
        </li>
      </ul>
    </main>
  );
}
