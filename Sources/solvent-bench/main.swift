import SolventCore
import SolventCrypto
import Dispatch
let key = DevnetKeys.account(0)
let txs = (0..<20000).map { i in Transaction(chainId: "x", sender: Address(key.publicKey), nonce: UInt64(i), action: .send(to: Address(key.publicKey), asset: 0, amount: 1)).signed(with: key) }
for cores in [1, 2] {
  let t0 = DispatchTime.now().uptimeNanoseconds
  if cores == 1 { for t in txs { precondition(t.verifySignature()) } }
  else { let r = ParallelVerify.map(count: txs.count) { txs[$0].verifySignature() }; precondition(r.allSatisfy { $0 }) }
  let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
  print(cores, Double(txs.count)/dt)
}
