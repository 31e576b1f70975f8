;; sbtc-token: a minimal SIP-010 style sBTC token for the peg federation's simnet/devnet.
;;
;; Two fungible tokens, as in the deployed sBTC token: `sbtc-token` (spendable) and
;; `sbtc-token-locked` (held while a withdrawal request is pending). The withdrawal contract
;; locks, unlocks, burns and re-mints through the protocol-* functions; nobody else can.
;; `protocol-mint` is also open to the deployer: this federation does not process deposits,
;; so on devnet the deployer stands in for the deposit flow that funds users.

(define-constant ERR_NOT_AUTHORIZED (err u600))
(define-constant ERR_NOT_OWNER (err u601))
(define-constant ERR_INVALID_AMOUNT (err u602))

(define-constant DEPLOYER tx-sender)

(define-fungible-token sbtc-token)
(define-fungible-token sbtc-token-locked)

(define-data-var token-name (string-ascii 32) "sBTC")
(define-data-var token-symbol (string-ascii 10) "sBTC")
(define-data-var token-uri (optional (string-utf8 256)) none)

;; Only our withdrawal contract may move locked balances.
(define-read-only (is-protocol-caller)
  (is-eq contract-caller .sbtc-withdrawal))

;; --- protocol functions (called by .sbtc-withdrawal) ---

(define-public (protocol-lock (amount uint) (owner principal))
  (begin
    (asserts! (is-protocol-caller) ERR_NOT_AUTHORIZED)
    (asserts! (> amount u0) ERR_INVALID_AMOUNT)
    (try! (ft-burn? sbtc-token amount owner))
    (ft-mint? sbtc-token-locked amount owner)))

(define-public (protocol-unlock (amount uint) (owner principal))
  (begin
    (asserts! (is-protocol-caller) ERR_NOT_AUTHORIZED)
    (asserts! (> amount u0) ERR_INVALID_AMOUNT)
    (try! (ft-burn? sbtc-token-locked amount owner))
    (ft-mint? sbtc-token amount owner)))

(define-public (protocol-burn-locked (amount uint) (owner principal))
  (begin
    (asserts! (is-protocol-caller) ERR_NOT_AUTHORIZED)
    (asserts! (> amount u0) ERR_INVALID_AMOUNT)
    (ft-burn? sbtc-token-locked amount owner)))

;; The withdrawal contract re-mints unspent fees; the deployer funds users on devnet.
(define-public (protocol-mint (amount uint) (recipient principal))
  (begin
    (asserts! (or (is-protocol-caller) (is-eq contract-caller DEPLOYER)) ERR_NOT_AUTHORIZED)
    (asserts! (> amount u0) ERR_INVALID_AMOUNT)
    (ft-mint? sbtc-token amount recipient)))

;; --- SIP-010 ---

;; Errors of the native ft-transfer?: u1 insufficient balance, u2 sender = recipient,
;; u3 amount not positive.
(define-public (transfer (amount uint) (sender principal) (recipient principal) (memo (optional (buff 34))))
  (begin
    (asserts! (or (is-eq tx-sender sender) (is-eq contract-caller sender)) ERR_NOT_OWNER)
    (try! (ft-transfer? sbtc-token amount sender recipient))
    (match memo to-print (print to-print) 0x)
    (ok true)))

(define-read-only (get-name)
  (ok (var-get token-name)))

(define-read-only (get-symbol)
  (ok (var-get token-symbol)))

(define-read-only (get-decimals)
  (ok u8))

;; Available plus locked, as in the deployed token.
(define-read-only (get-balance (who principal))
  (ok (+ (ft-get-balance sbtc-token who) (ft-get-balance sbtc-token-locked who))))

(define-read-only (get-balance-available (who principal))
  (ok (ft-get-balance sbtc-token who)))

(define-read-only (get-balance-locked (who principal))
  (ok (ft-get-balance sbtc-token-locked who)))

(define-read-only (get-total-supply)
  (ok (+ (ft-get-supply sbtc-token) (ft-get-supply sbtc-token-locked))))

(define-read-only (get-token-uri)
  (ok (var-get token-uri)))
