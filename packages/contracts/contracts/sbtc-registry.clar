;; sbtc-registry: the peg federation's signer registry and withdrawal-request store.
;;
;; Signer set: the deployer (the devnet admin) admits signers and sets their weight in key ids;
;; each admitted signer registers, and may replace, its own public key from its own Stacks
;; account. `rotate-keys` installs a new signer set (registered keys), a new aggregate key and a
;; threshold; it is callable only by the current signer principal (the deployer until the first
;; rotation, then the m-of-n Stacks multisig of the set) and refuses an aggregate key that was
;; ever used before.
;;
;; Withdrawal requests: written only by our withdrawal contract (`.sbtc-withdrawal`). The
;; read-only names and tuple shapes follow the deployed sBTC registry so a client reads both.

;; --- errors (u400..u402 as in the deployed registry; u403.. are ours) ---
(define-constant ERR_UNAUTHORIZED (err u400))
(define-constant ERR_INVALID_REQUEST_ID (err u401))
(define-constant ERR_AGG_PUBKEY_REPLAY (err u402))
(define-constant ERR_INVALID_PUBKEY (err u403))
(define-constant ERR_INVALID_THRESHOLD (err u404))
(define-constant ERR_INVALID_SIGNER_SET_SIZE (err u405))
(define-constant ERR_KEY_NOT_REGISTERED (err u406))
(define-constant ERR_NOT_A_CANDIDATE (err u407))
(define-constant ERR_KEY_IN_USE (err u408))
(define-constant ERR_DUPLICATE_KEY (err u409))
(define-constant ERR_TOO_MANY_CANDIDATES (err u410))

;; At most 15 keys: the P2SH redeem script that a Stacks multisig address hashes (OP_m, 34 bytes a
;; key, OP_n, OP_CHECKMULTISIG) must fit Bitcoin's 520-byte script limit, and stacks.js refuses
;; to build a multisig spending condition with more.
(define-constant MAX_SIGNERS u15)
;; OP_0..OP_16 indexed by the small integer they push.
(define-constant SMALL_INT_OPCODES 0x505152535455565758595a5b5c5d5e5f60)
(define-constant OP_CHECKMULTISIG 0xae)
(define-constant PUSH_33 0x21)

;; Admits signers and sets weights (devnet: no stacking data to derive weights from).
(define-constant ADMIN tx-sender)

;; --- current signer set ---
(define-data-var current-signature-threshold uint u0)
(define-data-var current-signer-set (list 15 (buff 33)) (list))
(define-data-var current-aggregate-pubkey (buff 33) 0x00)
(define-data-var current-signer-principal principal tx-sender)
;; Every aggregate key ever installed, so that none is installed twice.
(define-map aggregate-pubkeys (buff 33) bool)

;; --- candidates for the next DKG ---
(define-data-var signer-candidates (list 15 principal) (list))
(define-map signers principal {weight: uint, public-key: (optional (buff 33))})
(define-map signer-by-key (buff 33) principal)
;; `filter` takes no closure: the principal being removed is passed through this variable.
(define-data-var removing principal tx-sender)

;; --- withdrawal requests ---
(define-data-var last-withdrawal-request-id uint u0)
(define-map withdrawal-requests uint {
  amount: uint,
  max-fee: uint,
  sender: principal,
  recipient: {version: (buff 1), hashbytes: (buff 32)},
  block-height: uint,
})
;; none: pending, true: accepted, false: rejected.
(define-map withdrawal-status uint bool)
(define-map completed-withdrawal-sweep uint {
  sweep-txid: (buff 32),
  sweep-burn-hash: (buff 32),
  sweep-burn-height: uint,
})

;; ======================= read-only =======================

(define-read-only (get-current-signer-data)
  {
    current-signer-set: (var-get current-signer-set),
    current-aggregate-pubkey: (var-get current-aggregate-pubkey),
    current-signer-principal: (var-get current-signer-principal),
    current-signature-threshold: (var-get current-signature-threshold),
  })

(define-read-only (get-current-aggregate-pubkey)
  (var-get current-aggregate-pubkey))

(define-read-only (get-current-signer-principal)
  (var-get current-signer-principal))

(define-read-only (get-current-signer-set)
  (var-get current-signer-set))

(define-read-only (is-aggregate-pubkey-used (pubkey (buff 33)))
  (is-some (map-get? aggregate-pubkeys pubkey)))

(define-read-only (get-signer (signer principal))
  (map-get? signers signer))

(define-read-only (get-signer-by-key (public-key (buff 33)))
  (map-get? signer-by-key public-key))

;; Every admitted signer with its weight and registered key (none until it registers one).
(define-read-only (get-signer-candidates)
  (map candidate-entry (var-get signer-candidates)))

(define-read-only (get-withdrawal-request (id uint))
  (match (map-get? withdrawal-requests id)
    request (some (merge request {status: (map-get? withdrawal-status id)}))
    none))

(define-read-only (get-withdrawal-status (id uint))
  (map-get? withdrawal-status id))

(define-read-only (get-completed-withdrawal-sweep-data (id uint))
  (map-get? completed-withdrawal-sweep id))

(define-read-only (get-last-withdrawal-request-id)
  (var-get last-withdrawal-request-id))

;; A compressed secp256k1 point encoding (the curve check itself is not available in Clarity).
(define-read-only (is-valid-pubkey (key (buff 33)))
  (and
    (is-eq (len key) u33)
    (let ((prefix (unwrap-panic (element-at? key u0))))
      (or (is-eq prefix 0x02) (is-eq prefix 0x03)))))

;; OP_m <33-byte key>... OP_n OP_CHECKMULTISIG, keys in the given order.
(define-read-only (pubkeys-to-spend-script (pubkeys (list 15 (buff 33))) (m uint))
  (concat
    (concat (small-int-opcode m) (fold concat-pubkey pubkeys 0x))
    (concat (small-int-opcode (len pubkeys)) OP_CHECKMULTISIG)))

;; The Stacks multisig (P2SH hash mode) principal of m-of-`pubkeys`: SM... on mainnet, SN... else.
(define-read-only (pubkeys-to-principal (pubkeys (list 15 (buff 33))) (m uint))
  (unwrap-panic (principal-construct?
    (if is-in-mainnet 0x14 0x15)
    (hash160 (pubkeys-to-spend-script pubkeys m)))))

;; ======================= signer registration =======================

;; Admin: admit a signer or change its weight (key ids); weight 0 removes it.
(define-public (set-signer-weight (signer principal) (weight uint))
  (let ((existing (map-get? signers signer)))
    (asserts! (is-eq contract-caller ADMIN) ERR_UNAUTHORIZED)
    (if (is-eq weight u0)
      (let ((entry (unwrap! existing ERR_NOT_A_CANDIDATE)))
        (match (get public-key entry) key (map-delete signer-by-key key) false)
        (map-delete signers signer)
        (var-set removing signer)
        (var-set signer-candidates (filter is-not-removing (var-get signer-candidates))))
      (match existing
        entry (map-set signers signer (merge entry {weight: weight}))
        (begin
          (var-set signer-candidates
            (unwrap! (as-max-len? (append (var-get signer-candidates) signer) u15)
              ERR_TOO_MANY_CANDIDATES))
          (map-set signers signer {weight: weight, public-key: none}))))
    (print {topic: "signer-weight", signer: signer, weight: weight})
    (ok true)))

;; A signer registers (or replaces) its own public key, from its own account.
(define-public (register-signer-key (public-key (buff 33)))
  (let (
      (signer contract-caller)
      (entry (unwrap! (map-get? signers contract-caller) ERR_NOT_A_CANDIDATE))
    )
    (asserts! (is-valid-pubkey public-key) ERR_INVALID_PUBKEY)
    (match (map-get? signer-by-key public-key)
      owner (asserts! (is-eq owner signer) ERR_KEY_IN_USE)
      true)
    (match (get public-key entry) old (map-delete signer-by-key old) false)
    (map-set signer-by-key public-key signer)
    (map-set signers signer (merge entry {public-key: (some public-key)}))
    (print {topic: "signer-key-registered", signer: signer, public-key: public-key,
            weight: (get weight entry)})
    (ok true)))

;; ======================= key rotation =======================

(define-public (rotate-keys
    (new-keys (list 15 (buff 33)))
    (new-aggregate-pubkey (buff 33))
    (new-signature-threshold uint))
  (let ((n (len new-keys)))
    (asserts! (is-eq contract-caller (var-get current-signer-principal)) ERR_UNAUTHORIZED)
    (asserts! (and (> n u0) (<= n MAX_SIGNERS)) ERR_INVALID_SIGNER_SET_SIZE)
    ;; more than half of the keys, and no more than all of them
    (asserts! (and (> (* new-signature-threshold u2) n) (<= new-signature-threshold n))
      ERR_INVALID_THRESHOLD)
    (asserts! (is-valid-pubkey new-aggregate-pubkey) ERR_INVALID_PUBKEY)
    (asserts! (is-none (map-get? aggregate-pubkeys new-aggregate-pubkey)) ERR_AGG_PUBKEY_REPLAY)
    (try! (fold check-set-key new-keys (ok (list))))
    (let ((new-address (pubkeys-to-principal new-keys new-signature-threshold)))
      (map-set aggregate-pubkeys new-aggregate-pubkey true)
      (var-set current-signer-set new-keys)
      (var-set current-aggregate-pubkey new-aggregate-pubkey)
      (var-set current-signer-principal new-address)
      (var-set current-signature-threshold new-signature-threshold)
      (print {
        topic: "key-rotation",
        new-keys: new-keys,
        new-address: new-address,
        new-aggregate-pubkey: new-aggregate-pubkey,
        new-signature-threshold: new-signature-threshold,
      })
      (ok true))))

;; ======================= withdrawal requests (protocol only) =======================

(define-public (create-withdrawal-request
    (amount uint)
    (max-fee uint)
    (sender principal)
    (recipient {version: (buff 1), hashbytes: (buff 32)})
    (height uint))
  (let ((id (+ (var-get last-withdrawal-request-id) u1)))
    (asserts! (is-protocol-caller) ERR_UNAUTHORIZED)
    (map-set withdrawal-requests id {
      amount: amount,
      max-fee: max-fee,
      sender: sender,
      recipient: recipient,
      block-height: height,
    })
    (var-set last-withdrawal-request-id id)
    (print {
      topic: "withdrawal-create",
      request-id: id,
      amount: amount,
      sender: sender,
      recipient: recipient,
      block-height: height,
      max-fee: max-fee,
    })
    (ok id)))

(define-public (complete-withdrawal-accept
    (request-id uint)
    (bitcoin-txid (buff 32))
    (output-index uint)
    (signer-bitmap uint)
    (fee uint)
    (burn-hash (buff 32))
    (burn-height uint)
    (sweep-txid (buff 32)))
  (begin
    (asserts! (is-protocol-caller) ERR_UNAUTHORIZED)
    (asserts! (is-some (map-get? withdrawal-requests request-id)) ERR_INVALID_REQUEST_ID)
    ;; map-insert refuses a second completion of the same request
    (asserts! (map-insert withdrawal-status request-id true) ERR_INVALID_REQUEST_ID)
    (map-set completed-withdrawal-sweep request-id {
      sweep-txid: sweep-txid,
      sweep-burn-hash: burn-hash,
      sweep-burn-height: burn-height,
    })
    (print {
      topic: "withdrawal-accept",
      request-id: request-id,
      bitcoin-txid: bitcoin-txid,
      signer-bitmap: signer-bitmap,
      output-index: output-index,
      fee: fee,
      burn-hash: burn-hash,
      burn-height: burn-height,
      sweep-txid: sweep-txid,
    })
    (ok true)))

(define-public (complete-withdrawal-reject (request-id uint) (signer-bitmap uint))
  (begin
    (asserts! (is-protocol-caller) ERR_UNAUTHORIZED)
    (asserts! (is-some (map-get? withdrawal-requests request-id)) ERR_INVALID_REQUEST_ID)
    (asserts! (map-insert withdrawal-status request-id false) ERR_INVALID_REQUEST_ID)
    (print {topic: "withdrawal-reject", request-id: request-id, signer-bitmap: signer-bitmap})
    (ok true)))

;; ======================= private =======================

(define-private (is-protocol-caller)
  (is-eq contract-caller .sbtc-withdrawal))

(define-private (candidate-entry (signer principal))
  (let ((entry (default-to {weight: u0, public-key: none} (map-get? signers signer))))
    {signer: signer, weight: (get weight entry), public-key: (get public-key entry)}))

(define-private (is-not-removing (signer principal))
  (not (is-eq signer (var-get removing))))

(define-private (small-int-opcode (n uint))
  (unwrap-panic (element-at? SMALL_INT_OPCODES n)))

(define-private (concat-pubkey (key (buff 33)) (acc (buff 510)))
  (unwrap-panic (as-max-len? (concat acc (concat PUSH_33 key)) u510)))

;; Each key of a new set: a valid encoding, registered by an admitted signer, not repeated.
(define-private (check-set-key (key (buff 33)) (acc (response (list 15 (buff 33)) uint)))
  (match acc
    seen (if (not (is-valid-pubkey key))
      ERR_INVALID_PUBKEY
      (if (is-some (index-of? seen key))
        ERR_DUPLICATE_KEY
        (if (is-none (map-get? signer-by-key key))
          ERR_KEY_NOT_REGISTERED
          (ok (unwrap-panic (as-max-len? (append seen key) u15))))))
    err-code (err err-code)))
