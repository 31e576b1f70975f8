;; sbtc-withdrawal: peg-out requests on Stacks.
;;
;; A user locks `amount + max-fee` sBTC and names a Bitcoin recipient {version, hashbytes}. The
;; signers (the current signer principal, an m-of-n Stacks multisig of their keys) accept a
;; request once the sweep paying it is on Bitcoin (burning the locked sBTC and refunding the
;; unused part of max-fee), or reject it (unlocking the sBTC). `complete-withdrawals` does the
;; same for a whole sweep in one transaction. Names, argument shapes, constants and error codes
;; u500..u508 follow the deployed sBTC withdrawal contract.

(define-constant ERR_INVALID_ADDR_VERSION (err u500))
(define-constant ERR_INVALID_ADDR_HASHBYTES (err u501))
(define-constant ERR_DUST_LIMIT (err u502))
(define-constant ERR_INVALID_REQUEST (err u503))
(define-constant ERR_INVALID_CALLER (err u504))
(define-constant ERR_ALREADY_PROCESSED (err u505))
(define-constant ERR_FEE_TOO_HIGH (err u506))
;; A failed batch entry i with error code c fails the whole batch with
;; u507000000 + i * 1000 + c (e.g. u507002505: entry 2 was already processed).
(define-constant ERR_WITHDRAWAL_INDEX_PREFIX u507)
(define-constant ERR_INVALID_BURN_HASH (err u508))
;; Ours: an accepting batch entry lacks bitcoin-txid, output-index, fee or sweep-txid.
(define-constant ERR_MISSING_ACCEPT_FIELD (err u509))
;; Ours: an empty batch.
(define-constant ERR_EMPTY_BATCH (err u510))

;; Amounts at or below Bitcoin's dust limit for P2PKH cannot be paid out.
(define-constant DUST_LIMIT u546)
;; 0 P2PKH, 1 P2SH, 2 P2SH-P2WPKH, 3 P2SH-P2WSH, 4 P2WPKH: 20-byte hash; 5 P2WSH, 6 P2TR: 32.
(define-constant MAX_ADDRESS_VERSION u6)
(define-constant MAX_ADDRESS_VERSION_BUFF_20 u4)

;; ======================= read-only =======================

(define-read-only (validate-recipient (recipient {version: (buff 1), hashbytes: (buff 32)}))
  (let (
      (version (buff-to-uint-be (get version recipient)))
      (hashbytes-len (len (get hashbytes recipient)))
    )
    (asserts! (is-eq (len (get version recipient)) u1) ERR_INVALID_ADDR_VERSION)
    (asserts! (<= version MAX_ADDRESS_VERSION) ERR_INVALID_ADDR_VERSION)
    (asserts!
      (if (<= version MAX_ADDRESS_VERSION_BUFF_20)
        (is-eq hashbytes-len u20)
        (is-eq hashbytes-len u32))
      ERR_INVALID_ADDR_HASHBYTES)
    (ok true)))

;; The burn header hash simnet/the node knows for a past burn height.
(define-read-only (get-burn-header (height uint))
  (get-burn-block-info? header-hash height))

;; ======================= public =======================

(define-public (initiate-withdrawal-request
    (amount uint)
    (recipient {version: (buff 1), hashbytes: (buff 32)})
    (max-fee uint))
  (begin
    (try! (validate-recipient recipient))
    (asserts! (> amount DUST_LIMIT) ERR_DUST_LIMIT)
    ;; fails with u1 when the sender's available balance is short
    (try! (contract-call? .sbtc-token protocol-lock (+ amount max-fee) tx-sender))
    (contract-call? .sbtc-registry create-withdrawal-request
      amount max-fee tx-sender recipient burn-block-height)))

(define-public (accept-withdrawal-request
    (request-id uint)
    (bitcoin-txid (buff 32))
    (signer-bitmap uint)
    (output-index uint)
    (fee uint)
    (burn-hash (buff 32))
    (burn-height uint)
    (sweep-txid (buff 32)))
  (begin
    (asserts! (is-signer-caller) ERR_INVALID_CALLER)
    (try! (check-burn-hash burn-hash burn-height))
    (accept request-id bitcoin-txid signer-bitmap output-index fee burn-hash burn-height sweep-txid)))

(define-public (reject-withdrawal-request (request-id uint) (signer-bitmap uint))
  (begin
    (asserts! (is-signer-caller) ERR_INVALID_CALLER)
    (reject request-id signer-bitmap)))

;; Accept or reject every request of a sweep at once; all or nothing. (ok n) on success.
(define-public (complete-withdrawals
    (withdrawals (list 600 {
      request-id: uint,
      status: bool,
      signer-bitmap: uint,
      bitcoin-txid: (optional (buff 32)),
      output-index: (optional uint),
      fee: (optional uint),
      burn-hash: (buff 32),
      burn-height: uint,
      sweep-txid: (optional (buff 32)),
    })))
  (begin
    (asserts! (is-signer-caller) ERR_INVALID_CALLER)
    (asserts! (> (len withdrawals) u0) ERR_EMPTY_BATCH)
    (fold complete-indexed withdrawals (ok u0))))

;; ======================= private =======================

(define-private (is-signer-caller)
  (is-eq contract-caller (contract-call? .sbtc-registry get-current-signer-principal)))

(define-private (check-burn-hash (burn-hash (buff 32)) (burn-height uint))
  (begin
    (asserts! (is-eq (get-burn-block-info? header-hash burn-height) (some burn-hash))
      ERR_INVALID_BURN_HASH)
    (ok true)))

(define-private (accept
    (request-id uint)
    (bitcoin-txid (buff 32))
    (signer-bitmap uint)
    (output-index uint)
    (fee uint)
    (burn-hash (buff 32))
    (burn-height uint)
    (sweep-txid (buff 32)))
  (let (
      (request (unwrap! (contract-call? .sbtc-registry get-withdrawal-request request-id)
        ERR_INVALID_REQUEST))
      (max-fee (get max-fee request))
      (requester (get sender request))
    )
    (asserts! (is-none (get status request)) ERR_ALREADY_PROCESSED)
    (asserts! (<= fee max-fee) ERR_FEE_TOO_HIGH)
    (try! (contract-call? .sbtc-token protocol-burn-locked (+ (get amount request) max-fee) requester))
    (if (> max-fee fee)
      (try! (contract-call? .sbtc-token protocol-mint (- max-fee fee) requester))
      true)
    (contract-call? .sbtc-registry complete-withdrawal-accept
      request-id bitcoin-txid output-index signer-bitmap fee burn-hash burn-height sweep-txid)))

(define-private (reject (request-id uint) (signer-bitmap uint))
  (let (
      (request (unwrap! (contract-call? .sbtc-registry get-withdrawal-request request-id)
        ERR_INVALID_REQUEST))
    )
    (asserts! (is-none (get status request)) ERR_ALREADY_PROCESSED)
    (try! (contract-call? .sbtc-token protocol-unlock
      (+ (get amount request) (get max-fee request)) (get sender request)))
    (contract-call? .sbtc-registry complete-withdrawal-reject request-id signer-bitmap)))

(define-private (complete-one (w {
      request-id: uint,
      status: bool,
      signer-bitmap: uint,
      bitcoin-txid: (optional (buff 32)),
      output-index: (optional uint),
      fee: (optional uint),
      burn-hash: (buff 32),
      burn-height: uint,
      sweep-txid: (optional (buff 32)),
    }))
  (begin
    (try! (check-burn-hash (get burn-hash w) (get burn-height w)))
    (if (get status w)
      (accept
        (get request-id w)
        (unwrap! (get bitcoin-txid w) ERR_MISSING_ACCEPT_FIELD)
        (get signer-bitmap w)
        (unwrap! (get output-index w) ERR_MISSING_ACCEPT_FIELD)
        (unwrap! (get fee w) ERR_MISSING_ACCEPT_FIELD)
        (get burn-hash w)
        (get burn-height w)
        (unwrap! (get sweep-txid w) ERR_MISSING_ACCEPT_FIELD))
      (reject (get request-id w) (get signer-bitmap w)))))

(define-private (complete-indexed (w {
      request-id: uint,
      status: bool,
      signer-bitmap: uint,
      bitcoin-txid: (optional (buff 32)),
      output-index: (optional uint),
      fee: (optional uint),
      burn-hash: (buff 32),
      burn-height: uint,
      sweep-txid: (optional (buff 32)),
    })
    (acc (response uint uint)))
  (match acc
    index (match (complete-one w)
      done (ok (+ index u1))
      code (err (+ (* ERR_WITHDRAWAL_INDEX_PREFIX u1000000) (* index u1000) code)))
    code (err code)))
