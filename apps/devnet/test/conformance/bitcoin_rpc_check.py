#!/usr/bin/python3
"""Checks the devnet's Bitcoin RPC with python-bitcoinlib (Debian python3-bitcoinlib), a client
written by others: it parses the answers, builds and signs a P2WPKH spend, and computes txid,
wtxid, size and weight itself.

Usage: bitcoin_rpc_check.py http://user:password@127.0.0.1:PORT
Prints one line per check; exits 1 on the first mismatch.
"""
import sys

import bitcoin
import bitcoin.rpc
from bitcoin.core import (
    CMutableTransaction,
    CMutableTxIn,
    CMutableTxOut,
    CTxInWitness,
    CTxWitness,
    Hash160,
    b2lx,
    lx,
)
from bitcoin.core.script import (
    OP_0,
    OP_CHECKSIG,
    OP_DUP,
    OP_EQUALVERIFY,
    OP_HASH160,
    SIGHASH_ALL,
    SIGVERSION_WITNESS_V0,
    CScript,
    CScriptWitness,
    SignatureHash,
)
from bitcoin.wallet import CBitcoinSecret, P2WPKHBitcoinAddress


def check(ok, what):
    if not ok:
        print('MISMATCH: ' + what, file=sys.stderr)
        sys.exit(1)
    print('ok: ' + what)


def rpc_error(call):
    """The JSON-RPC error a call raises, or None when it succeeds."""
    try:
        call()
    except bitcoin.rpc.JSONRPCError as err:
        return err.error
    return None


def sizes(tx):
    full = len(tx.serialize())
    stripped = len(tx.serialize({'include_witness': False}))
    weight = stripped * 3 + full
    return full, weight, (weight + 3) // 4


bitcoin.SelectParams('regtest')
url = sys.argv[1]
proxy = bitcoin.rpc.Proxy(service_url=url)
raw = bitcoin.rpc.RawProxy(service_url=url)


def p2wpkh(seed):
    key = CBitcoinSecret.from_secret_bytes(bytes([seed]) * 32)
    script = CScript([OP_0, Hash160(key.pub)])
    return key, script, P2WPKHBitcoinAddress.from_scriptPubKey(script)


key, script_pubkey, address = p2wpkh(41)
_, payee_script, payee = p2wpkh(42)

# Chain reads, parsed by python-bitcoinlib.
height = proxy.getblockcount()
check(proxy.getblockhash(height) == proxy.getbestblockhash(), 'getblockhash(tip) = getbestblockhash')
check(raw.getblockchaininfo()['chain'] == 'regtest', 'getblockchaininfo chain is regtest')

# Fund our P2WPKH address, confirm, and find the coin through listunspent and gettxout.
funding_txid = lx(raw.faucet(str(address), 1))
check(len(list(proxy.generatetoaddress(1, payee))) == 1, 'generatetoaddress mines one block')
coins = [u for u in proxy.listunspent(minconf=1, addrs=[address]) if u['outpoint'].hash == funding_txid]
check(len(coins) == 1, 'listunspent lists the faucet payment')
coin = coins[0]
check(coin['scriptPubKey'] == script_pubkey and str(coin['address']) == str(address),
      'listunspent scriptPubKey and address')
amount = coin['amount']
check(amount == 100_000_000, 'listunspent amount is 1 BTC')
txout = proxy.gettxout(coin['outpoint'])['txout']
check(txout.nValue == amount and txout.scriptPubKey == script_pubkey, 'gettxout value and script')

funding = proxy.getrawtransaction(funding_txid)
check(funding.GetTxid() == funding_txid, 'getrawtransaction hex hashes to its txid')
check(funding.has_witness(), 'the faucet payment has a witness')
verbose = raw.getrawtransaction(b2lx(funding_txid), True)
check(verbose['hash'] == b2lx(funding.GetHash()), 'getrawtransaction hash is the wtxid')
full, weight, vsize = sizes(funding)
check((verbose['size'], verbose['weight'], verbose['vsize']) == (full, weight, vsize),
      'getrawtransaction size, weight, vsize')

# A segwit v0 spend built and signed by python-bitcoinlib.
fee = 1_000
tx = CMutableTransaction(
    [CMutableTxIn(coin['outpoint'], nSequence=0xfffffffd)],
    [CMutableTxOut(amount - fee, payee_script)],
    nVersion=2,
)
script_code = CScript([OP_DUP, OP_HASH160, Hash160(key.pub), OP_EQUALVERIFY, OP_CHECKSIG])
sighash = SignatureHash(script_code, tx, 0, SIGHASH_ALL, amount=amount,
                        sigversion=SIGVERSION_WITNESS_V0)
signature = key.sign(sighash) + bytes([SIGHASH_ALL])
tx.wit = CTxWitness([CTxInWitness(CScriptWitness([signature, key.pub]))])
txid = tx.GetTxid()
wtxid = b2lx(tx.GetHash())
check(b2lx(txid) != wtxid, 'the spend has distinct txid and wtxid')

decoded = raw.decoderawtransaction(tx.serialize().hex())
full, weight, vsize = sizes(tx)
check((decoded['txid'], decoded['hash']) == (b2lx(txid), wtxid), 'decoderawtransaction txid, hash')
check((decoded['size'], decoded['weight'], decoded['vsize']) == (full, weight, vsize),
      'decoderawtransaction size, weight, vsize')
check(proxy.sendrawtransaction(tx) == txid, 'sendrawtransaction answers the txid')
check(proxy.sendrawtransaction(tx) == txid, 're-sending a mempool transaction answers the txid')
entry = raw.getmempoolentry(b2lx(txid))
check((entry['weight'], entry['vsize'], entry['wtxid']) == (weight, vsize, wtxid),
      'getmempoolentry weight, vsize, wtxid')
check(raw.getmempoolinfo()['size'] == 1, 'getmempoolinfo size')

block_hash = list(proxy.generatetoaddress(1, payee))[0]
block = raw.getblock(b2lx(block_hash), 2)
mined = [t for t in block['tx'] if t['txid'] == b2lx(txid)]
check(len(mined) == 1 and mined[0]['hash'] == wtxid, 'getblock 2 hash is the wtxid')
check(block['tx'][0]['hash'] == block['tx'][0]['txid'], 'getblock 2 coinbase hash is its txid')
check(block['weight'] == block['strippedsize'] * 3 + block['size'] and
      block['strippedsize'] < block['size'], 'getblock size, strippedsize, weight')
stats = raw.getblockstats(b2lx(block_hash))
check((stats['totalfee'], stats['ins'], stats['swtxs']) == (fee, 1, 1), 'getblockstats fee, ins, swtxs')

# Errors: codes python-bitcoinlib maps to its exception classes.
error = rpc_error(lambda: proxy.sendrawtransaction(tx))
check(error is not None and error['code'] == -27, 're-sending a confirmed transaction is -27')
error = rpc_error(lambda: raw.getbalance())
check(error == {'code': -32601, 'message': 'Method not found'}, 'an unserved method is -32601')
info = raw.getnetworkinfo()
check(info['connections'] == 0 and info['version'] >= 280000, 'getnetworkinfo')
check(raw.validateaddress(str(address))['scriptPubKey'] == script_pubkey.hex(), 'validateaddress')
print('all checks passed')
